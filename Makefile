# wsuslab: the two commands of the README, plus a few helpers.
#   make demo   install missing Debian packages, build Release, run the training demo
#   make test   install missing Debian packages, build Debug+ASan/UBSan (-Werror), run the ctest suite
#   make tsan   build with ThreadSanitizer and run the server, concurrency and fleet tests
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
# The integration tests that run threads against the server (the whole unit_server label runs too);
# fleet_*_test.cpp suites are matched by name, so new ones are picked up as they land.
TSAN_INTEGRATION_TESTS := Concurrency|Fleet|fleet|HttpServer|ListenAddress|Shutdown|Framing|Timeout|Tls

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
	ctest --preset tsan -j $(JOBS) -L unit_server
	ctest --preset tsan -j $(JOBS) -L integration -R '$(TSAN_INTEGRATION_TESTS)'

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
