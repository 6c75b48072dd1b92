package admin

// The codecs, for the external tests (which fill values with testkit, and
// testkit imports what imports this package).
var (
	EncodeFault = encodeFault
	DecodeFault = decodeFault
	EncodeEntry = encodeEntry
	DecodeEntry = decodeEntry
)
