# Hotline: the two commands are `make demo` and `make test` (see README.md).
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
# Tests ctest runs at once in $(BUILD): the integration tests mostly wait on real-time audio
# and signalling, so more of them than cores fit (each has its own ports, see harness.py).
TEST_JOBS  ?= 4

.PHONY: all deps build web e2e asan fuzzers fuzz demo test test-suite test-builds unit \
	integration bench format clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)
	@web/build.sh

# The web console (web/, TypeScript + Vite) into web/dist, served by hotline at /; skipped
# with a message when node/npm are missing; `npm ci` only when node_modules is missing or
# package-lock.json changed.
web:
	@web/build.sh

# The console end to end in Chromium against a real hotline and sipp phones (screenshots
# under $(BUILD)/e2e-screenshots/).
e2e: build
	cd $(BUILD) && ctest -R console_e2e --output-on-failure

$(ASAN_BUILD)/build.ninja: | deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHOTLINE_SANITIZE=ON

asan: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target unit_tests

FUZZ_BUILD ?= build-fuzz
$(FUZZ_BUILD)/build.ninja: | deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOTLINE_FUZZ=ON

# libFuzzer targets (clang): `fuzzers` builds them, `fuzz` also runs each for 20 s (side by side).
fuzzers: deps $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers

fuzz: fuzzers
	cd $(FUZZ_BUILD) && ctest -L fuzz --output-on-failure -j $(JOBS)

demo: build
	./$(BUILD)/hotline

# The release build first. Then the whole suite in $(BUILD) (unit + integration tests against
# real sipp/baresip peers, ctest -j $(TEST_JOBS), output kept in $(BUILD)/ctest-suite.log)
# runs while the ASan+UBSan unit tests and the fuzzers are compiled at the lowest CPU
# priority (nice 19: the tests, mostly waiting on real-time audio, get the CPU when they need
# it). Then the fuzzers for a short while and the unit tests under ASan+UBSan, with the
# machine to themselves; last the suite's ctest output, so ctest's summary is the closing line.
test: build
	@$(MAKE) --no-print-directory -j2 test-suite test-builds
	cd $(FUZZ_BUILD) && ctest -L fuzz --output-on-failure -j $(JOBS)
	cd $(ASAN_BUILD) && ctest -L unit --output-on-failure -j $(JOBS)
	@cat $(BUILD)/ctest-suite.log; exit $$(cat $(BUILD)/ctest-suite.rc || echo 1)

# Parts of `test`: the suite in $(BUILD) with its output to a log and its exit code to
# $(BUILD)/ctest-suite.rc (`test` prints both last), and the niced sanitizer/fuzzer builds.
test-suite: build
	@echo "test: the whole suite runs in $(BUILD) (ctest -j $(TEST_JOBS)), output in $(BUILD)/ctest-suite.log"
	@cd $(BUILD) && rm -f ctest-suite.rc && \
	  { ctest --output-on-failure -j $(TEST_JOBS) > ctest-suite.log 2>&1; echo $$? > ctest-suite.rc; }

test-builds: deps $(ASAN_BUILD)/build.ninja $(FUZZ_BUILD)/build.ninja
	nice -n 19 cmake --build $(ASAN_BUILD) -j $(JOBS) --target unit_tests
	nice -n 19 cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers

unit: build
	cd $(BUILD) && ctest -L unit --output-on-failure -j $(JOBS)

integration: build
	cd $(BUILD) && ctest -L integration --output-on-failure -j $(TEST_JOBS)

bench: build
	bench/sip_load/run.sh

format:
	find src tests bench tools -name '*.h' -o -name '*.cpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
