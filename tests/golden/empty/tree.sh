# The sample parents and nothing else: no devices, no definitions.
mk_scriptdirs
mk_samples
