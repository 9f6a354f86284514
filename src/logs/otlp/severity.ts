/**
 * OTLP SeverityNumber names (logs.proto), apart from the protobuf schema so that the JSON
 * decoder does not load protobufjs.
 */
const severityNames = ['UNSPECIFIED', 'TRACE', 'TRACE2', 'TRACE3', 'TRACE4', 'DEBUG', 'DEBUG2', 'DEBUG3', 'DEBUG4', 'INFO', 'INFO2', 'INFO3', 'INFO4', 'WARN', 'WARN2', 'WARN3', 'WARN4', 'ERROR', 'ERROR2', 'ERROR3', 'ERROR4', 'FATAL', 'FATAL2', 'FATAL3', 'FATAL4'];

/** SeverityNumber values by enum name (SEVERITY_NUMBER_INFO → 9), for JSON senders that spell them out. */
export const severityNumbers: ReadonlyMap<string, number> = new Map(severityNames.map((n, i) => [`SEVERITY_NUMBER_${n}`, i]));
