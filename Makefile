# SPDX-License-Identifier: GPL-2.0-only
#
# The two commands of the README. Each installs what it needs (Debian
# packages, the guest kit), configures meson, builds and runs.
#   make check   all tests; ends with "N passed, N failed"
#   make bench   boots test guests and prints the vIPI cost report
BUILD ?= build
# Unit tests again under clang's ASan + UBSan, and the fuzz targets.
SAN ?= build-san
SAN_FLAGS = -Dkit=false -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
	-Dbuildtype=debug -Dc_args='-fsanitize=fuzzer-no-link -fno-sanitize-recover=all'
FUZZ_RUNS ?= 1000000

.PHONY: all deps setup kit build san check perf bench matrix fuzz format clean

all: build

deps:
	@scripts/deps.sh

setup: deps
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) >/dev/null

kit: setup
	@guest/kit/fetch-kernel.sh $(BUILD)/guest

build: kit
	@ninja -C $(BUILD) >/dev/null || ninja -C $(BUILD)

san: deps
	@test -f $(SAN)/build.ninja || CC=clang meson setup $(SAN) $(SAN_FLAGS) >/dev/null
	@ninja -C $(SAN) >/dev/null || ninja -C $(SAN)

check: build san
	@scripts/check.sh $(BUILD) $(SAN)

# Assertions on emulated time (boot ratio, idle poller CPU): a quiet machine.
perf: build
	@meson test -C $(BUILD) --no-rebuild --print-errorlogs --suite perf --num-processes 1

# Each fuzz target for FUZZ_RUNS executions (default one million).
fuzz: san
	@VIPI_FUZZ_RUNS=$(FUZZ_RUNS) meson test -C $(SAN) --suite fuzz --timeout-multiplier 0 \
		--print-errorlogs -v

bench: build
	@$(BUILD)/vipi bench --json $(BUILD)/bench.json --csv $(BUILD)/bench.csv \
		--svg $(BUILD)/bench.svg

# The ipi bench and the nohz suite on every short-named guest kernel, one
# table: build/matrix.json, .csv, .svg (docs/kernels.md). Hours in the lab.
matrix: build
	@scripts/matrix.sh $(BUILD)

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(SAN)
