DROP TABLE unmatched_results;
DROP TABLE result_biomarkers;
DROP TABLE results;
DROP TABLE inbound_messages;
