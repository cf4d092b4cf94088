"""Tests of the sample-project recipes and of the findings they plant."""
