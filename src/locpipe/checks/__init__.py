"""What can be wrong with a translation, a catalogue or a built page: small
named checks that return problems; ``stages.check`` places them in files."""
