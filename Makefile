.PHONY: demo test bench
demo:  ## converge the example AI gateway against the simulator and show the result
	./scripts/demo
test:  ## the whole test suite (what CI runs)
	./scripts/test
bench:  ## converge generated gateways of 1000 and 3000 consumers, role against decK 1.4, on the plain and the Kong-paced simulator
	./scripts/bootstrap >/dev/null && ./scripts/install-deck && .venv/bin/python bench/converge_bench.py --sizes 1000,3000 --modes plain,kong --repeat 3 --markdown
