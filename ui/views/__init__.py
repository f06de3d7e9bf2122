"""The pages' bodies: what each page lays out, with the charts and downloads they share."""
