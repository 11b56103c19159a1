package bot

import (
	"errors"
	"fmt"
	"net/url"
	"testing"
)

func TestSafeReason(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"discord url.Error",
			`discord send message: Post "https://discord.com/api/v9/channels/1300000000000000042/messages": dial tcp 162.159.128.233:443: connect: connection refused`,
			`discord send message: Post "discord.com/api/v9/channels/{id}/messages": dial tcp 162.159.128.233:443: connect: connection refused`},
		{"query, user info and fragment dropped",
			`Get "https://user:secret@slack.com/api/conversations.history?channel=D0123ABCD&oldest=1#x": EOF`,
			`Get "slack.com/api/conversations.history": EOF`},
		{"webhook token",
			`Post "https://discord.com/api/v9/webhooks/1100000000000000001/aW_x-tok3nZ": timeout`,
			`Post "discord.com/api/v9/webhooks/{id}/{id}": timeout`},
		{"users/@me kept", `Post "http://127.0.0.1:8080/api/v9/users/@me/channels": EOF`, `Post "127.0.0.1:8080/api/v9/users/@me/channels": EOF`},
		{"snowflake outside a URL", "unknown channel 1300000000000000042", "unknown channel {id}"},
		{"slack ids", "channel D0123ABCD for U07AB12CD3 in T0ABCDEF1", "channel {id} for {id} in {id}"},
		{"error names, statuses and words kept", "slack chat.postMessage: channel_not_found: HTTP 403 code 50007 UNDELIVERABLE", "slack chat.postMessage: channel_not_found: HTTP 403 code 50007 UNDELIVERABLE"},
		{"times and counts kept", "retry after 1700000000 after 3 attempts", "retry after 1700000000 after 3 attempts"},
		{"nothing to do", "undeliverable", "undeliverable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SafeReason(tt.in); got != tt.want {
				t.Errorf("SafeReason(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSafeErrorKeepsItsChain(t *testing.T) {
	ue := &url.Error{Op: "Post", URL: "https://discord.com/api/v9/channels/1300000000000000042/messages", Err: errors.New("EOF")}
	err := SafeError(&RetryError{Err: fmt.Errorf("discord send message: %w", ue)})
	if got, want := err.Error(), `retryable: discord send message: Post "discord.com/api/v9/channels/{id}/messages": EOF`; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
	var re *RetryError
	var got *url.Error
	if !errors.As(err, &re) || !errors.As(err, &got) || got != ue {
		t.Errorf("errors.As does not see through SafeError: %v", err)
	}
	if SafeError(nil) != nil {
		t.Error("SafeError(nil) != nil")
	}
}
