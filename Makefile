# Hotline: the two commands are `make demo` and `make test` (see README.md).
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)

.PHONY: all deps build web e2e asan fuzz demo test unit integration bench format clean

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

# libFuzzer targets (clang), each run for 20 s.
fuzz: deps $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	cd $(FUZZ_BUILD) && ctest -L fuzz --output-on-failure

demo: build
	./$(BUILD)/hotline

# Unit tests under ASan+UBSan first, then the fuzzers for a short while, then the whole
# suite (unit + integration against real sipp/baresip peers); ctest's summary is the
# closing line.
test: build asan fuzz
	cd $(ASAN_BUILD) && ctest -L unit --output-on-failure -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure

unit: build
	cd $(BUILD) && ctest -L unit --output-on-failure -j $(JOBS)

integration: build
	cd $(BUILD) && ctest -L integration --output-on-failure

bench: build
	bench/sip_load/run.sh

format:
	find src tests bench tools -name '*.h' -o -name '*.cpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
