# dcgan-smiles: `make run` trains interactively, `make test` runs every test.
# Both install the Debian packages they need first (only the missing ones; sudo only when not root).

APT_PACKAGES := libdnnl-dev libncursesw5-dev libpng-dev tmux
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWIFT_BUILD_FLAGS ?=
BIN_RELEASE := .build/release/dcgan-smiles

.PHONY: run test deps build release e2e clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build $(SWIFT_BUILD_FLAGS)

release: deps
	swift build -c release $(SWIFT_BUILD_FLAGS) --product dcgan-smiles

# Interactive training on the built-in smiley data set (the seed's recipe).
run: release
	$(BIN_RELEASE) train $(ARGS)

# Unit and fixture tests, then the end-to-end checks of the real binary.
test: deps
	swift build --build-tests $(SWIFT_BUILD_FLAGS)
	swift test --skip-build
	$(MAKE) e2e

e2e: release
	bash Tests/e2e/run-all.sh $(BIN_RELEASE)

clean:
	rm -rf .build

# Our training step against PyTorch's, alternating, f32 and bf16 (needs python3 with torch).
.PHONY: bench
bench: release
	bash Tests/Reference/compare_bench.sh --bin $(BIN_RELEASE) $(ARGS)
