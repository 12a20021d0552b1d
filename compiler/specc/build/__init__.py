"""The build: compile specs, run the emitters (cached, in workers), and write the output folder safely."""
