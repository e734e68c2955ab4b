"""Spreadsheet exports (CSV and XLSX) of task lists and statistics, written as a stream."""
