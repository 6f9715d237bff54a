"""Files bp4 writes and reads: ``saving`` writes and reads networks,
``npz_reader`` checks every header of a ``.npz`` before any of its data is
read, and ``pages`` writes the HTML pages of the stepper and the playground
atomically."""
