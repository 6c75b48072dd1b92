package api_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// The facts of Twilio's public OpenAPI description of these eight
// operations, written from twilio-oai's spec/json/twilio_conversations_v1.json
// (2026-04) as ../shared/reference/twilio-public-spec.md records it. Each
// fact is a key and the attributes the key has, flattened the way
// flattenSpec flattens api/openapi.yaml; TestParityWithTwilio holds the two
// to each other, with every deliberate difference a named row of
// deviations. A change on either side fails it loudly.
var (
	twilioResource = map[string]string{
		"account_sid":             "type=string nullable=true pattern=^AC[0-9a-fA-F]{32}$ minLength=34 maxLength=34",
		"attributes":              `type=string nullable=true x-twilio={"pii":{"deleteSla":30,"handling":"sensitive"}}`,
		"chat_service_sid":        "type=string nullable=true pattern=^IS[0-9a-fA-F]{32}$ minLength=34 maxLength=34",
		"conversation_sid":        "type=string nullable=true pattern=^CH[0-9a-fA-F]{32}$ minLength=34 maxLength=34",
		"conversation_state":      "type=string enum=inactive|active|closed",
		"created_by":              "type=string nullable=true",
		"date_created":            "type=string format=date-time nullable=true",
		"date_updated":            "type=string format=date-time nullable=true",
		"friendly_name":           `type=string nullable=true x-twilio={"pii":{"deleteSla":30,"handling":"standard"}}`,
		"last_read_message_index": "type=integer nullable=true",
		"links":                   "type=object format=uri-map nullable=true",
		"notification_level":      "type=string enum=default|muted",
		"participant_sid":         "type=string nullable=true pattern=^MB[0-9a-fA-F]{32}$ minLength=34 maxLength=34",
		"timers":                  "nullable=true",
		"unique_name":             `type=string nullable=true x-twilio={"pii":{"deleteSla":30,"handling":"standard"}}`,
		"unread_messages_count":   "type=integer nullable=true",
		"url":                     "type=string format=uri nullable=true",
		"user_sid":                "type=string nullable=true pattern=^US[0-9a-fA-F]{32}$ minLength=34 maxLength=34",
	}
	twilioMeta = map[string]string{
		"first_page_url":    "type=string format=uri",
		"key":               "type=string",
		"next_page_url":     "type=string format=uri nullable=true",
		"page":              "type=integer",
		"page_size":         "type=integer",
		"previous_page_url": "type=string format=uri nullable=true",
		"url":               "type=string format=uri",
	}
	twilioParams = map[string]string{
		"ChatServiceSid":  "in=path required=true type=string pattern=^IS[0-9a-fA-F]{32}$ minLength=34 maxLength=34",
		"UserSid":         "in=path required=true type=string",
		"ConversationSid": "in=path required=true type=string",
		"PageSize":        "in=query type=integer format=int64 minimum=1 maximum=50",
		"Page":            "in=query type=integer minimum=0",
		"PageToken":       "in=query type=string",
	}
	twilioUpdateForm = map[string]string{
		"NotificationLevel":    "type=string enum=default|muted",
		"LastReadTimestamp":    "type=string format=date-time",
		"LastReadMessageIndex": "type=integer nullable=true",
	}
	twilioCORSHeaders = "Access-Control-Allow-Credentials Access-Control-Allow-Headers Access-Control-Allow-Methods Access-Control-Allow-Origin Access-Control-Expose-Headers"
)

// twilioOperation is one of the eight operations as Twilio describes it.
type twilioOperation struct {
	id, method, path string
	kind             string // "list", "fetch", "update" or "delete"
}

var twilioOperations = []twilioOperation{
	{"ListUserConversation", "GET", "/v1/Users/{UserSid}/Conversations", "list"},
	{"FetchUserConversation", "GET", "/v1/Users/{UserSid}/Conversations/{ConversationSid}", "fetch"},
	{"UpdateUserConversation", "POST", "/v1/Users/{UserSid}/Conversations/{ConversationSid}", "update"},
	{"DeleteUserConversation", "DELETE", "/v1/Users/{UserSid}/Conversations/{ConversationSid}", "delete"},
	{"ListServiceUserConversation", "GET", "/v1/Services/{ChatServiceSid}/Users/{UserSid}/Conversations", "list"},
	{"FetchServiceUserConversation", "GET", "/v1/Services/{ChatServiceSid}/Users/{UserSid}/Conversations/{ConversationSid}", "fetch"},
	{"UpdateServiceUserConversation", "POST", "/v1/Services/{ChatServiceSid}/Users/{UserSid}/Conversations/{ConversationSid}", "update"},
	{"DeleteServiceUserConversation", "DELETE", "/v1/Services/{ChatServiceSid}/Users/{UserSid}/Conversations/{ConversationSid}", "delete"},
}

// twilioFacts flattens the facts above as flattenSpec flattens a spec.
func twilioFacts() map[string]string {
	f := map[string]string{
		"info.x-twilio": `{"apiStandards":"v0.1"}`,
		"security":      "accountSid_authToken=http/basic",
	}
	for _, op := range twilioOperations {
		p := op.id + "."
		service := strings.HasPrefix(op.path, "/v1/Services/")
		pathType, parent, description := "instance", "/Users/{Sid}", "A User Conversation resource represents a conversation of the user belonging to a default conversation service."
		if op.kind == "list" {
			pathType = "list"
		}
		if service {
			parent, description = "/Services/{ChatServiceSid}/Users/{Sid}", "A Service User Conversation resource represents a conversation of the user belonging to a specific conversation service."
		}
		f[p+"operation"] = op.method + " " + op.path
		f[p+"tags"] = "ConversationsV1UserConversation"
		f[p+"security"] = "accountSid_authToken"
		f[p+"path.servers"] = "https://conversations.twilio.com"
		f[p+"path.description"] = description
		f[p+"path.x-twilio"] = fmt.Sprintf(`{"defaultOutputProperties":["conversation_sid","user_sid","chat_service_sid","friendly_name","date_created"],"mountName":"user_conversations","parent":%q,"pathType":%q}`, parent, pathType)
		params := []string{"UserSid"}
		if service {
			params = append([]string{"ChatServiceSid"}, params...)
		}
		if op.kind == "list" {
			params = append(params, "PageSize", "Page", "PageToken")
		} else {
			params = append(params, "ConversationSid")
		}
		for _, name := range params {
			f[p+"param."+name] = twilioParams[name]
		}
		switch op.kind {
		case "delete":
			f[p+"status"] = "204"
			f[p+"204.headers"] = ""
			continue
		case "update":
			f[p+"body"] = "application/x-www-form-urlencoded"
			for name, facts := range twilioUpdateForm {
				f[p+"body."+name] = facts
			}
		}
		f[p+"status"] = "200"
		f[p+"200.headers"] = twilioCORSHeaders
		resource := p + "200."
		if op.kind == "list" {
			f[p+"200"] = "type=object"
			f[p+"200.conversations"] = "type=array"
			f[p+"200.meta"] = "type=object"
			for name, facts := range twilioMeta {
				f[p+"200.meta."+name] = facts
			}
			resource = p + "200.conversations[]."
		} else {
			f[p+"200"] = "type=object"
		}
		if op.kind == "list" {
			f[p+"200.conversations[]"] = "type=object"
		}
		for name, facts := range twilioResource {
			f[resource+name] = facts
		}
	}
	return f
}

// deviation is a deliberate difference of api/openapi.yaml from Twilio's
// description: at every key matching the pattern (path.Match; "*" stands
// for the operation), Twilio's facts are twilio ("" for none) and ours are
// ours ("" for none), for reason.
type deviation struct {
	key, twilio, ours, reason string
}

var deviations = []deviation{
	{"*List*.param.PageSize", twilioParams["PageSize"], "in=query type=integer format=int64 minimum=1 maximum=1000",
		"the documentation pages allow 1000 (seeds 001); the public description says 50: the docs win"},
	{"*.param.UserSid", twilioParams["UserSid"], "in=path required=true type=string minLength=1",
		"an empty identity is no identity; an empty path segment is a 404 anyway"},
	{"*.param.ConversationSid", twilioParams["ConversationSid"], "in=path required=true type=string minLength=1",
		"an empty unique_name is no unique_name"},
	{"*Update*.status", "200", "200 400 401 404 405 413 429 500",
		"Twilio's description declares no error answers; the real API sends Twilio's error body, and the stub declares each it sends"},
	{"Delete*.status", "204", "204 400 401 404 405 429 500", "as for updates"},
	{"Fetch*.status", "200", "200 400 401 404 405 429 500", "as for updates"},
	{"List*.status", "200", "200 400 401 404 405 429 500", "as for updates"},
	{"*.200.headers", twilioCORSHeaders, twilioCORSHeaders + " Twilio-Request-Duration Twilio-Request-Id",
		"every real answer carries Twilio-Request-Id and Twilio-Request-Duration (captured responses)"},
	{"*.204.headers", "", "Twilio-Request-Duration Twilio-Request-Id", "as for 200s"},
	{"Fetch*.200.required", "", "account_sid attributes chat_service_sid conversation_sid conversation_state created_by date_created date_updated friendly_name last_read_message_index links notification_level participant_sid timers unique_name unread_messages_count url user_sid",
		"Twilio always sends every property (null when unset); required holds every stub answer to that"},
	{"Update*.200.required", "", "account_sid attributes chat_service_sid conversation_sid conversation_state created_by date_created date_updated friendly_name last_read_message_index links notification_level participant_sid timers unique_name unread_messages_count url user_sid",
		"as for a fetch"},
	{"List*.200.conversations\\[\\].required", "", "account_sid attributes chat_service_sid conversation_sid conversation_state created_by date_created date_updated friendly_name last_read_message_index links notification_level participant_sid timers unique_name unread_messages_count url user_sid",
		"as for a fetch"},
	{"List*.200.required", "", "conversations meta", "a page always has both"},
	{"List*.200.meta.required", "", "first_page_url key next_page_url page page_size previous_page_url url", "the documented envelope always has all seven"},
	{"*unread_messages_count", twilioResource["unread_messages_count"], "type=integer nullable=true minimum=0 maximum=1000",
		"the documentation: at most 1000"},
	{"*last_read_message_index", twilioResource["last_read_message_index"], "type=integer nullable=true minimum=0",
		"message indexes start at 0"},
	{"*friendly_name", twilioResource["friendly_name"], `type=string nullable=true maxLength=256 x-twilio={"pii":{"deleteSla":30,"handling":"standard"}}`,
		"Twilio describes the 256-character limit in words"},
	{"*.timers", twilioResource["timers"], "type=object nullable=true",
		"Twilio leaves timers untyped; the documentation's examples show an object of two dates"},
	{"*.timers.date_inactive", "", "type=string format=date-time", "as for timers"},
	{"*.timers.date_closed", "", "type=string format=date-time", "as for timers"},
	{"*.links.conversation", "", "type=string format=uri", "the two links the stub always sends, named (neither required)"},
	{"*.links.participant", "", "type=string format=uri", "as for links.conversation"},
	{"List*.200.meta.key", twilioMeta["key"], "type=string enum=conversations",
		"Twilio's libraries require the key to be the list's, or empty (official-clients.md)"},
	{"List*.200.meta.page", twilioMeta["page"], "type=integer minimum=0", "pages count from 0"},
	{"List*.200.meta.page_size", twilioMeta["page_size"], "type=integer minimum=1 maximum=1000", "PageSize's range"},
	{"Update*.body.LastReadMessageIndex", twilioUpdateForm["LastReadMessageIndex"], "type=integer format=int32 nullable=true minimum=0 maximum=2147483647",
		"indexes are 32-bit and never negative"},
}

// flattenSpec flattens the facts of doc that twilioFacts describes.
func flattenSpec(doc *openapi3.T) map[string]string {
	f := map[string]string{}
	if x, ok := doc.Info.Extensions["x-twilio"]; ok {
		f["info.x-twilio"] = compactJSON(x)
	}
	for name, scheme := range doc.Components.SecuritySchemes {
		f["security"] = name + "=" + scheme.Value.Type + "/" + scheme.Value.Scheme
	}
	for p, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			k := op.OperationID + "."
			f[k+"operation"] = method + " " + p
			f[k+"tags"] = strings.Join(op.Tags, " ")
			security := doc.Security
			if op.Security != nil {
				security = *op.Security
			}
			var schemes []string
			for _, req := range security {
				schemes = append(schemes, slices.Sorted(maps.Keys(req))...)
			}
			f[k+"security"] = strings.Join(schemes, " ")
			var servers []string
			for _, s := range item.Servers {
				servers = append(servers, s.URL)
			}
			f[k+"path.servers"] = strings.Join(servers, " ")
			f[k+"path.description"] = item.Description
			f[k+"path.x-twilio"] = compactJSON(item.Extensions["x-twilio"])
			for _, params := range []openapi3.Parameters{item.Parameters, op.Parameters} {
				for _, ref := range params {
					pv := ref.Value
					facts := "in=" + pv.In
					if pv.Required {
						facts += " required=true"
					}
					if s := schemaFacts(pv.Schema); s != "" {
						facts += " " + s
					}
					f[k+"param."+pv.Name] = facts
				}
			}
			if body := op.RequestBody; body != nil {
				for mediaType, media := range body.Value.Content {
					f[k+"body"] = mediaType
					for name, prop := range media.Schema.Value.Properties {
						f[k+"body."+name] = schemaFacts(prop)
					}
				}
			}
			f[k+"status"] = strings.Join(slices.Sorted(maps.Keys(op.Responses.Map())), " ")
			for status, resp := range op.Responses.Map() {
				if !strings.HasPrefix(status, "2") {
					continue
				}
				f[k+status+".headers"] = strings.Join(slices.Sorted(maps.Keys(resp.Value.Headers)), " ")
				if media := resp.Value.Content.Get("application/json"); media != nil {
					flattenSchema(f, k+status, media.Schema)
				}
			}
		}
	}
	return f
}

func flattenSchema(f map[string]string, key string, ref *openapi3.SchemaRef) {
	f[key] = schemaFacts(ref)
	s := ref.Value
	if len(s.Required) > 0 {
		f[key+".required"] = strings.Join(slices.Sorted(slices.Values(s.Required)), " ")
	}
	for name, prop := range s.Properties {
		flattenSchema(f, key+"."+name, prop)
	}
	if s.Items != nil {
		flattenSchema(f, key+"[]", s.Items)
	}
}

// schemaFacts writes the attributes of a schema that parity compares.
func schemaFacts(ref *openapi3.SchemaRef) string {
	s := ref.Value
	var out []string
	add := func(name string, v any) { out = append(out, fmt.Sprintf("%s=%v", name, v)) }
	if s.Type != nil && len(*s.Type) > 0 {
		add("type", strings.Join(*s.Type, "|"))
	}
	if s.Format != "" {
		add("format", s.Format)
	}
	if s.Nullable {
		add("nullable", true)
	}
	if len(s.Enum) > 0 {
		var values []string
		for _, v := range s.Enum {
			values = append(values, fmt.Sprint(v))
		}
		add("enum", strings.Join(values, "|"))
	}
	if s.Pattern != "" {
		add("pattern", s.Pattern)
	}
	if s.MinLength != 0 {
		add("minLength", s.MinLength)
	}
	if s.MaxLength != nil {
		add("maxLength", *s.MaxLength)
	}
	if s.Min != nil {
		add("minimum", strconv.FormatFloat(*s.Min, 'f', -1, 64))
	}
	if s.Max != nil {
		add("maximum", strconv.FormatFloat(*s.Max, 'f', -1, 64))
	}
	if x, ok := s.Extensions["x-twilio"]; ok {
		add("x-twilio", compactJSON(x))
	}
	return strings.Join(out, " ")
}

func compactJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v) // map keys come out sorted
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// TestParityWithTwilio holds api/openapi.yaml to Twilio's description of
// the eight operations: every fact agrees, or a deviation says why not.
func TestParityWithTwilio(t *testing.T) {
	ours := flattenSpec(loadSpecFile(t))
	want := twilioFacts()
	used := make([]bool, len(deviations))
	for _, key := range slices.Sorted(maps.Keys(mergeKeys(ours, want))) {
		expected, twilioHas := want[key]
		for i, d := range deviations {
			if ok, _ := path.Match(d.key, key); !ok {
				continue
			}
			if expected != d.twilio {
				t.Errorf("%s: the deviation %q expects Twilio's facts %q, but they are %q: update the row", key, d.key, d.twilio, expected)
			}
			expected, twilioHas, used[i] = d.ours, d.ours != "", true
			break
		}
		got, oursHas := ours[key]
		switch {
		case !twilioHas && oursHas && got != "":
			t.Errorf("%s: ours %q, which Twilio does not describe: match it, or add a deviation with its reason", key, got)
		case got != expected:
			t.Errorf("%s:\n  ours   %q\n  Twilio %q (deviations applied)", key, got, expected)
		}
	}
	for i, d := range deviations {
		if !used[i] {
			t.Errorf("the deviation %q matches nothing: remove it", d.key)
		}
		if d.reason == "" {
			t.Errorf("the deviation %q gives no reason", d.key)
		}
	}
}

func mergeKeys(a, b map[string]string) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}
