package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/config"
)

// TestDeployFilesMatchTheBinary keeps the Dockerfile, the compose file and
// the systemd unit true to the code: every subcommand they run exists, and
// every PORCHLIGHT_ variable they set is one the binary reads.
func TestDeployFilesMatchTheBinary(t *testing.T) {
	known := []string{envConfig, config.EnvDiscordToken, config.EnvSlackBotToken, config.EnvSlackAppToken,
		config.EnvDB, config.EnvLogLevel, config.EnvLogFormat, config.EnvHTTPListen}
	var subs []string
	for _, sc := range subcommands() {
		subs = append(subs, sc.name)
	}
	envRE := regexp.MustCompile(`PORCHLIGHT_[A-Z_]+`)
	// The binary's path, then a subcommand: in a unit's ExecStart, a
	// Dockerfile's exec-form CMD or HEALTHCHECK.
	subRE := regexp.MustCompile(`bin/porchlight"?,?\s+"?([a-z-]+)`)
	runs := 0
	for _, f := range []string{"Dockerfile", "deploy/docker-compose.yml", "deploy/porchlight.service", "deploy/porchlight.env.example"} {
		b, err := os.ReadFile(filepath.Join("..", "..", f))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, v := range envRE.FindAllString(text, -1) {
			if !slices.Contains(known, v) && v != "PORCHLIGHT_VERSION" { // compose's own build variable
				t.Errorf("%s sets %s, which the binary does not read", f, v)
			}
		}
		for _, m := range subRE.FindAllStringSubmatch(text, -1) {
			runs++
			if !slices.Contains(subs, m[1]) {
				t.Errorf("%s runs 'porchlight %s', which does not exist", f, m[1])
			}
		}
	}
	if runs < 2 {
		t.Errorf("found %d subcommands run in the deploy files, want the unit's run and the image's healthcheck", runs)
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`CMD ["/usr/local/bin/porchlight", "healthcheck"]`, `CMD ["run"]`, "CGO_ENABLED=0", "USER 65532"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}
