package kit

// TTLMapOrderLen is how many keys m keeps in its order, for tests of its
// bookkeeping.
func TTLMapOrderLen[V any](m *TTLMap[V]) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.order)
}
