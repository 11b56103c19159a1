// Package kit holds what the Discord and Slack adapters share: a set that
// remembers platform delivery ids for a while, a queue that hands each
// user's events to the core one at a time, the memory of how far a split
// message got, the cache of each user's DM channel, and the text splitter
// for platform length limits. It translates nothing and holds no product
// logic.
package kit
