# wsuslab: the two commands of the README, plus a few helpers.
#   make demo   install missing Debian packages, build Release, run the training demo
#   make test   install missing Debian packages, build Debug+ASan/UBSan (-Werror), run the ctest suite
# After either command build/bin/wsuslab is the Release CLI; other builds keep their binaries in
# build/<preset>/bin, so a sanitizer binary never stands in for the optimized one.

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEBIAN_PACKAGES := g++ cmake make pkg-config libboost1.74-dev libboost-coroutine1.74-dev libboost-context1.74-dev \
	libpugixml-dev libgtest-dev libgmock-dev \
	libbenchmark-dev libcli11-dev nlohmann-json3-dev libssl-dev
TEST_PACKAGES := chromium

.PHONY: all deps test-deps demo build release test asan bench clean format tidy

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
