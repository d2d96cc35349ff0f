# The README's commands. Everything else is CMake and ctest.
MAKEFLAGS += --no-print-directory
JOBS   ?= $(shell nproc)
DB     ?= xinzhi.db
LISTEN ?= 127.0.0.1:8080

.PHONY: all bootstrap build build-asan run test test-reliability test-valgrind bench clean web fuzz

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build -j $(JOBS)
	@if [ -f web/package.json ]; then (cd web && npm run --silent build); fi

build-asan: bootstrap
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DXZ_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@if [ -f web/package.json ]; then (cd web && npm run --silent build); fi

# Seeds the demo city on first run (printing the admin password once), then serves.
run: build
	@if [ ! -f $(DB) ]; then ./build/xinzhi --db $(DB) demo --scale city --admin; fi
	./build/xinzhi --db $(DB) serve --listen $(LISTEN)

test: build-asan
	@cd build-asan && ctest --output-on-failure -j $(JOBS)

# The long runs of the reliability tests: 500 rounds of SIGKILL under writes
# and imports (make test runs 20), on SQLite and then on a throwaway
# PostgreSQL cluster. XINZHI_CRASH_SEED replays a failed run.
test-reliability: build-asan
	@cd tests/api && XINZHI_BIN=$(CURDIR)/build-asan/xinzhi XINZHI_CRASH_ROUNDS=$${XINZHI_CRASH_ROUNDS:-500} \
		node --test --test-reporter=spec crash.test.mjs diskfull.test.mjs
	@d=$$(mktemp -d) && scripts/pg-cluster start $$d/pg >/dev/null && \
		(cd tests/api && XINZHI_TEST_PG_FILE=$$d/pg/url XINZHI_BIN=$(CURDIR)/build-asan/xinzhi \
		XINZHI_CRASH_ROUNDS=$${XINZHI_CRASH_ROUNDS:-500} node --test --test-reporter=spec crash.test.mjs); \
		rc=$$?; scripts/pg-cluster stop $$d/pg; rm -rf $$d; exit $$rc

# libFuzzer harnesses (clang) for FUZZ_SECONDS each (default 60); FUZZ_MERGE=1 keeps new
# inputs in fuzz/corpus/; see fuzz/run and docs/reliability.md.
fuzz: bootstrap
	@cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXZ_FUZZ=ON >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target fuzzers
	@fuzz/run

# The API suite with every server and CLI run under valgrind's memcheck (a
# build without ASan, with the test hooks); slow: about an hour.
test-valgrind: bootstrap
	@cmake -S . -B build-valgrind -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXZ_TEST_HOOKS=ON >/dev/null
	@cmake --build build-valgrind -j $(JOBS) --target xinzhi
	@cd tests/api && XINZHI_BIN=$(CURDIR)/build-valgrind/xinzhi XINZHI_VALGRIND=1 \
		node --test --test-concurrency=1 --test-reporter=spec $${XINZHI_VALGRIND_TESTS:-*.test.mjs}

bench: build
	@if [ -x bench/run ]; then bench/run; else echo "no benchmarks yet"; fi

clean:
	rm -rf build build-asan
