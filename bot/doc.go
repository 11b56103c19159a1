// Package bot is Porchlight's platform-neutral core.
//
// It holds the domain types (houses, members, roles, check-in rounds and
// answers), the neutral inbound events and outbound messages that adapters
// translate to and from their platforms, the Adapter and Store interfaces,
// the single command registry, the conversational form engine, the outbox
// sender and the features themselves.
//
// The package imports no chat SDK, no database driver and no other package of
// this module: adapters and storage depend on bot, never the reverse. A test
// in the module root enforces that rule.
//
// The flow for an inbound event is: the adapter translates a platform event to
// an Event and calls Bot.Handle; the core resolves the house and the member,
// checks the caller's role in one place, runs the feature inside one store
// transaction (which also writes any outbound messages to the outbox), and
// returns a Response only after the transaction has committed. The adapter then
// acknowledges the platform with that Response. Messages to anyone other than
// the caller travel through the outbox and the Sender.
package bot
