# wsuslab: the two commands of the README, plus a few helpers.
#   make demo   install missing Debian packages, build Release, run the training demo
#   make test   install missing Debian packages, build Debug+ASan/UBSan (-Werror), run the ctest suite
#   make tsan   build with ThreadSanitizer and run the server, concurrency, fleet and proxy tests
#   make fuzz   build the libFuzzer targets (clang) and run each for FUZZ_SECONDS (docs/testing.md)
# After either command build/bin/wsuslab is the Release CLI; other builds keep their binaries in
# build/<preset>/bin, so a sanitizer binary never stands in for the optimized one.

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEBIAN_PACKAGES := g++ cmake make pkg-config libboost1.74-dev libboost-coroutine1.74-dev libboost-context1.74-dev \
	libpugixml-dev libgtest-dev libgmock-dev \
	libbenchmark-dev libcli11-dev nlohmann-json3-dev libssl-dev
TEST_PACKAGES := chromium
FUZZ_PACKAGES := clang libclang-rt-14-dev
FUZZ_SECONDS ?= 60
# The integration suites that run threads against the server (the whole unit_server label runs too):
# concurrency, the server's transport and CLI (serve), the fleet and the proxy (several I/O threads),
# matched on the suite name of "Suite.Test" / "Prefix/Suite.Test/Param", so that new Fleet*, Proxy*
# or Serve* suites are picked up as they land and no other suite comes in through a word of a name.
TSAN_INTEGRATION_TESTS := (^|/)(Concurrency|Fleet[A-Za-z]*|HttpServer[A-Za-z]*|ListenAddress|Shutdown|Framing[A-Za-z]*|Timeout|Tls|Proxy[A-Za-z]*|Serve[A-Za-z]*)Test\.
# Every TSan report, of a test or of a wsuslab child process a test started, also lands in a file
# (log_path in the tsan test preset): a race in a child fails `make tsan` even when the test
# looked only at the child's output.
TSAN_REPORTS := build/tsan/tsan-report

.PHONY: all deps test-deps fuzz-deps demo build release test asan tsan fuzz bench clean format tidy

all: release

# Install what is missing: apt-get when root, otherwise print the exact command and stop.
deps:
	@./.ci/install-deps.sh $(DEBIAN_PACKAGES)

test-deps:
	@./.ci/install-deps.sh $(DEBIAN_PACKAGES) $(TEST_PACKAGES)

release: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS)

build: release

demo: release
	./build/bin/wsuslab demo

asan: test-deps
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)

test: asan
	ctest --preset asan -j $(JOBS)
	$(MAKE) --no-print-directory release

tsan: deps
	cmake --preset tsan
	cmake --build --preset tsan -j $(JOBS)
	rm -f $(TSAN_REPORTS).*
	status=0; \
	ctest --preset tsan -j $(JOBS) -L unit_server || status=1; \
	ctest --preset tsan -j $(JOBS) -L integration -R '$(TSAN_INTEGRATION_TESTS)' || status=1; \
	if ls $(TSAN_REPORTS).* >/dev/null 2>&1; then cat $(TSAN_REPORTS).*; status=1; \
		echo "tsan: ThreadSanitizer reports in $(TSAN_REPORTS).*" >&2; fi; \
	exit $$status

fuzz-deps:
	@./.ci/install-deps.sh $(DEBIAN_PACKAGES) $(FUZZ_PACKAGES)

fuzz: fuzz-deps
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)
	./.ci/run-fuzzers.sh build/fuzz $(FUZZ_SECONDS)

bench: deps
	cmake --preset bench
	cmake --build --preset bench -j $(JOBS)
	./.ci/run-benchmarks.sh build/bench

format:
	find simulator mitigation tests -name '*.hpp' -o -name '*.cpp' | xargs clang-format -i

tidy: deps
	cmake --preset tidy
	cmake --build --preset tidy -j $(JOBS)

clean:
	rm -rf build
