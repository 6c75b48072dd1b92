// Package api is the project's contract: the three hand-written specs in
// this folder, and the string formats they use that kin-openapi leaves
// unchecked (SchemaOptions), for everything that validates against them.
//
//   - openapi.yaml: Twilio's User Conversation API, the source of truth of
//     gen/conversations and gen/conversationsserver;
//   - admin.yaml: the stub's own admin API under /_stub/ (gen/admin,
//     gen/adminserver);
//   - fixtures.yaml: the schema of the stub's fixture files (gen/fixtures,
//     gen/fixturesspec).
//
// The tests in this folder hold the specs to their sources.
package api
