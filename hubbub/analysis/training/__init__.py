"""Training the analysis models from ../shared/data (run once; the artefacts ship in models/)."""
