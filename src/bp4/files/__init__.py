"""Networks as files: ``saving`` writes and reads them, ``npz_reader`` checks
every header of a ``.npz`` before any of its data is read."""
