"""Report: the one result model (model.to_dict), every output format behind one interface
(formats), the one CSV writer (csvio) and atomic output writing that never replaces an input
(output)."""
