# SPDX-License-Identifier: GPL-2.0-only
#
# The two commands of the README. Each installs what it needs (Debian
# packages, the guest kit), configures meson, builds and runs.
#   make check   all tests; ends with "N passed, N failed"
#   make bench   boots test guests and prints the vIPI cost report
BUILD ?= build
MESON_TEST_ARGS ?=

.PHONY: all deps setup kit build check bench fuzz format clean

all: build

deps:
	@scripts/deps.sh

setup: deps
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) >/dev/null

kit: setup
	@guest/kit/fetch-kernel.sh $(BUILD)/guest

build: kit
	@ninja -C $(BUILD) >/dev/null || ninja -C $(BUILD)

check: build
	@scripts/check.sh $(BUILD) $(MESON_TEST_ARGS)

bench: build
	@$(BUILD)/vipi bench --json $(BUILD)/bench.json --csv $(BUILD)/bench.csv \
		--svg $(BUILD)/bench.svg

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)
