// Package interop runs Twilio's official helper libraries (twilio-go, and
// the `twilio` npm package from node/) against the stub, changed only in
// where they send requests. Its tests are the proof that the stub speaks
// Twilio's wire format: paging, dates, form bodies and error bodies.
package interop
