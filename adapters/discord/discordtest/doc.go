// Package discordtest is a fake Discord for tests: an HTTP server that speaks
// the real REST API (under /api/v9) and the real gateway protocol (a
// websocket at /gateway/), so that the unmodified discordgo client runs
// against it.
//
// Why a fake rather than mocks: discordgo decodes strictly (string
// snowflakes, string permissions, RFC 3339 timestamps) and has its own retry,
// rate-limit and reconnect logic. Only a server on the wire exercises those
// paths the way Discord does.
//
// Pointing discordgo at the fake. discordgo's endpoints are package globals
// fixed at init, so a session is redirected by its HTTP client, whose
// transport rewrites discord.com to the fake; GET /api/v9/gateway then
// returns the fake's ws:// URL, which the session's websocket dialer dials
// directly:
//
//	f := discordtest.NewServer(t, discordtest.Config{})
//	s, _ := discordgo.New(f.Token())
//	s.Client = f.HTTPClient()
//	s.Dialer = f.Dialer()
//
// Everything the client sends is recorded: REST calls as [Call] (method,
// route, decoded JSON body, uploaded files) and gateway frames as
// [GatewayFrame]. WaitCall and WaitFrame wait for a matching record with a
// deadline, so tests never sleep.
//
// Controls let a test play Discord's part: dispatch interactions, messages
// and member events; inject 429s with real rate-limit headers, 5xx and
// Discord JSON error codes for a route; drop the websocket without a close
// frame; send op 7 (reconnect) or op 9 (invalid session). The gateway keeps a
// per-session sequence and a replay buffer, so a client that RESUMEs gets the
// dispatches it missed.
//
// The fake also enforces some of Discord's rules that bite adapters in
// production: the bot token on REST calls, intents on dispatches (guild
// message content is blanked without the MESSAGE_CONTENT intent), message and
// modal limits (error 50035), empty messages (50006), a second interaction
// response (40060), and unknown channels, messages and interactions.
//
// The package imports nothing of this module and no chat SDK; it is the
// Discord side of the wire.
package discordtest
