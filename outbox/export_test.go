package outbox

// Unrecorded counts the deliveries waiting to be recorded, for tests.
func (s *Sender) Unrecorded() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.unrecorded)
}
