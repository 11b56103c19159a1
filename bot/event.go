package bot

// EventKind says what kind of inbound event an Event is.
type EventKind int

// The kinds of neutral inbound events.
const (
	// EventCommand is a slash command (or a typed "/name args" line on the console).
	EventCommand EventKind = iota + 1
	// EventAction is a button press or a select choice.
	EventAction
	// EventForm is a submitted form (a modal, or a finished DM conversation).
	EventForm
	// EventDM is a direct message to the bot.
	EventDM
	// EventReply is a reply in the thread of a bot message in a house channel.
	EventReply
	// EventMemberJoined says a user joined the house channel or server.
	EventMemberJoined
	// EventMemberLeft says a user left the house channel or server.
	EventMemberLeft
)

// String names the kind for logs.
func (k EventKind) String() string {
	switch k {
	case EventCommand:
		return "command"
	case EventAction:
		return "action"
	case EventForm:
		return "form"
	case EventDM:
		return "dm"
	case EventReply:
		return "reply"
	case EventMemberJoined:
		return "member_joined"
	case EventMemberLeft:
		return "member_left"
	}
	return "unknown"
}

// User is a platform user as an adapter sees it.
type User struct {
	// ID is the platform user id (a Discord snowflake, a Slack "U…" id).
	ID string
	// Name is a display name or handle; it may be empty.
	Name string
}

// Event is a neutral inbound event. Exactly one of Command, Action and Form is
// set for the matching kinds; Text is set for EventDM and EventReply.
type Event struct {
	// ID is the platform's delivery id (interaction id, Slack event_id or
	// envelope id). Events with the same Platform and ID are handled once.
	// Empty means the adapter cannot identify redeliveries.
	ID string
	// Platform is the adapter's Platform() value.
	Platform string
	// Kind says which of the fields below are set.
	Kind EventKind
	// User is who acted.
	User User
	// Channel is the platform channel the event happened in. For DMs it is
	// the DM channel.
	Channel string
	// Workspace is the Discord guild or Slack team id, when known.
	Workspace string
	// DM is true when the event happened in a direct conversation with the bot.
	DM bool
	// FormLimit is how many fields a form opened in reply may have (5 for a
	// Discord modal). Zero means the adapter cannot open a form in reply to
	// this event, and the core falls back to a conversation.
	FormLimit int
	// FormButtons says the adapter may have to show a form in reply as a
	// button that opens it (a Discord modal cannot answer a modal submit
	// or a deferred event). The core then keeps the form in the store and
	// gives the button a durable id (Response.FormAction, ReopenAction),
	// so the button works after a restart.
	FormButtons bool

	Command *CommandInput
	Action  *ActionInput
	Form    *FormInput
	// Text is the message text of an EventDM or EventReply. It is screened
	// and stored only as a feature decides; it is never logged.
	Text string
	// Thread is, for EventReply, the message the reply is threaded under.
	Thread MessageRef
}

// CommandInput is an invoked command.
type CommandInput struct {
	// Name is the registry name, without any platform prefix ("checkin").
	Name string
	// Options are typed values already split out by the platform (Discord),
	// keyed by option name, with users as plain user ids. When nil, the core
	// parses Raw against the command's options.
	Options map[string]string
	// Sub is the subcommand when the platform delivered it separately.
	Sub string
	// Raw is the argument text after the command name, with user mentions
	// normalised to <@ID> by the adapter.
	Raw string
	// Names are the display names of the users the arguments mention, by
	// user id, where the platform gives them (Discord's resolved users,
	// Slack's escaped mentions, the console's directory). Replies use them
	// to name someone who has not joined; they are never stored.
	Names map[string]string
}

// ActionInput is a pressed button or a chosen select value.
type ActionInput struct {
	// ID is the structured action id, for example "checkin:open:42".
	ID string
	// Value is the chosen value of a select, if any.
	Value string
	// Message is the message that carried the button, when known.
	Message MessageRef
}

// FormInput is a submitted form.
type FormInput struct {
	// ID is the form id given in the Form the core asked to open.
	ID string
	// Values maps field ids to the raw text or chosen option values.
	Values map[string]string
}
