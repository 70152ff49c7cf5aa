.PHONY: demo test bench
demo:  ## converge the example AI gateway against the simulator and show the result
	./scripts/demo
test:  ## the whole test suite (what CI runs)
	./scripts/test
