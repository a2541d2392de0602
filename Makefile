# The usual commands; each is a script under scripts/ that CI and the README share.
.PHONY: run test bench bench-suite bench-micro explore-bench check verify regen-golden fuzz format check-dependents

run:            ## build (release) and replay the bundled fixtures
	scripts/run-fixtures

test:           ## build and run every test
	scripts/test

bench:          ## vloop against CPython's stock asyncio on fixtures/bench/sleepers.trace
	scripts/bench

bench-suite:    ## every workload of fixtures/bench against its baseline, one table (release build)
	scripts/bench-suite

bench-micro:    ## package-benchmark's micro-benchmarks of the loop's parts (timer heap, ready queue, calls, attributes)
	scripts/bench-micro

explore-bench:  ## runs each strategy needs to find each planted bug of fixtures/explore (release build)
	swift build -c release --static-swift-stdlib --product vloop && scripts/explore-bench

check:          ## parse and validate every fixture
	swift run vloop check fixtures/seed fixtures/conformance fixtures/programs

verify:         ## compare vloop's logs with CPython 3.11.7's
	swift run vloop verify fixtures/seed fixtures/conformance fixtures/programs fixtures/explore

regen-golden:   ## rewrite the golden logs with the CPython reference
	scripts/regen-golden

fuzz:           ## random asyncio traces, vloop against CPython (vloop verify)
	swift build && scripts/fuzz-conformance

format:         ## format the Swift sources (scripts/format --check lints, as CI does)
	scripts/format

check-dependents: ## build two packages that depend on vloop, by path and by version
	scripts/check-dependents
