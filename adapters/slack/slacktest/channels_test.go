package slacktest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/adapters/slack/slacktest"
	"github.com/slack-go/slack"
)

func TestConversationsInfoMembership(t *testing.T) {
	srv := newServer(t, slacktest.Config{})
	api := newAPI(srv)
	ctx := context.Background()
	info := func(ch string) (*slack.Channel, error) {
		return api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: ch})
	}
	for _, ch := range []string{"C0001", "G0001"} {
		c, err := info(ch)
		if err != nil || !c.IsMember || c.ID != ch {
			t.Errorf("%s: %+v, %v; want the bot a member", ch, c, err)
		}
	}
	srv.SetBotMember("C0001", false)
	srv.SetBotMember("G0001", false)
	if c, err := info("C0001"); err != nil || c.IsMember {
		t.Errorf("public channel left: is_member %v, %v; want false", c != nil && c.IsMember, err)
	}
	if _, err := info("G0001"); err == nil || err.Error() != "channel_not_found" {
		t.Errorf("private channel left: err %v, want channel_not_found", err)
	}
	if _, _, err := api.PostMessage("C0001", slack.MsgOptionText("hello", false)); err == nil || err.Error() != "not_in_channel" {
		t.Errorf("post in a channel the bot left: err %v, want not_in_channel", err)
	}
	srv.SetBotMember("C0001", true)
	if _, _, err := api.PostMessage("C0001", slack.MsgOptionText("hello", false)); err != nil {
		t.Errorf("post after rejoining: %v", err)
	}
}

func TestConversationsInfoNeedsItsScope(t *testing.T) {
	srv := newServer(t, slacktest.Config{Scopes: []string{"chat:write", "groups:read"}})
	_, err := newAPI(srv).GetConversationInfoContext(context.Background(), &slack.GetConversationInfoInput{ChannelID: "C0001"})
	if err == nil || !strings.Contains(err.Error(), "missing_scope") {
		t.Errorf("err %v, want missing_scope (channels:read)", err)
	}
	if c := srv.CallsTo("conversations.info"); len(c) != 1 || !strings.Contains(string(c[0].Response), `"needed":"channels:read"`) {
		t.Errorf("calls %v, want one naming channels:read", c)
	}
}

// TestScopesHeader: every answer to the bot token names its scopes, as
// Slack's X-OAuth-Scopes header does; answers to other tokens do not.
func TestScopesHeader(t *testing.T) {
	srv := newServer(t, slacktest.Config{Scopes: []string{"chat:write", "commands"}})
	post := func(token string) http.Header {
		req, err := http.NewRequest(http.MethodPost, srv.APIURL()+"auth.test", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header
	}
	if got := post(srv.BotToken()).Get("X-OAuth-Scopes"); got != "chat:write,commands" {
		t.Errorf("X-OAuth-Scopes = %q, want chat:write,commands", got)
	}
	if got := post("xoxb-wrong").Values("X-OAuth-Scopes"); len(got) != 0 {
		t.Errorf("a refused token got scopes %q", got)
	}
}
