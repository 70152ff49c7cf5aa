.PHONY: demo test bench
demo:  ## converge the example AI gateway against the simulator and show the result
	./scripts/demo
test:  ## the whole test suite (what CI runs)
	./scripts/test
bench:  ## converge a generated gateway of 100 and 1000 consumers, role against decK 1.4
	./scripts/bootstrap >/dev/null && ./scripts/install-deck && .venv/bin/python bench/converge_bench.py --sizes 100,1000,3000 --repeat 3 --markdown
