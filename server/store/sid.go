package store

// IsSID reports whether s has the shape of a Twilio SID with the given
// two-letter prefix: the prefix, then 32 hexadecimal digits. The API accepts
// a SID or a name (identity, unique_name) in the same path segment, and this
// shape is what tells them apart.
func IsSID(s, prefix string) bool {
	if len(s) != len(prefix)+32 || s[:len(prefix)] != prefix {
		return false
	}
	for i := len(prefix); i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		default:
			return false
		}
	}
	return true
}
