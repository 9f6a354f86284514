/**
 * The OTLP logs protobuf schema, as a protobufjs JSON descriptor transcribed from
 * opentelemetry-proto (collector/logs/v1/logs_service.proto, logs/v1/logs.proto,
 * common/v1/common.proto, resource/v1/resource.proto). Written out rather than loaded from
 * .proto files: nothing is read from disk at run time and the field numbers can be checked
 * against the originals line by line. Names keep the .proto spelling (snake_case).
 */
import protobuf from 'protobufjs/light.js';
import { severityNumbers } from './severity.js';

const descriptor = {
  nested: {
    opentelemetry: {
      nested: {
        proto: {
          nested: {
            common: {
              nested: {
                v1: {
                  nested: {
                    AnyValue: {
                      oneofs: { value: { oneof: ['string_value', 'bool_value', 'int_value', 'double_value', 'array_value', 'kvlist_value', 'bytes_value'] } },
                      fields: {
                        string_value: { type: 'string', id: 1 },
                        bool_value: { type: 'bool', id: 2 },
                        int_value: { type: 'int64', id: 3 },
                        double_value: { type: 'double', id: 4 },
                        array_value: { type: 'ArrayValue', id: 5 },
                        kvlist_value: { type: 'KeyValueList', id: 6 },
                        bytes_value: { type: 'bytes', id: 7 },
                      },
                    },
                    ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
                    KeyValueList: { fields: { values: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
                    KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
                    InstrumentationScope: {
                      fields: {
                        name: { type: 'string', id: 1 },
                        version: { type: 'string', id: 2 },
                        attributes: { rule: 'repeated', type: 'KeyValue', id: 3 },
                        dropped_attributes_count: { type: 'uint32', id: 4 },
                      },
                    },
                  },
                },
              },
            },
            resource: {
              nested: {
                v1: {
                  nested: {
                    Resource: {
                      fields: {
                        attributes: { rule: 'repeated', type: 'opentelemetry.proto.common.v1.KeyValue', id: 1 },
                        dropped_attributes_count: { type: 'uint32', id: 2 },
                      },
                    },
                  },
                },
              },
            },
            logs: {
              nested: {
                v1: {
                  nested: {
                    ResourceLogs: {
                      fields: {
                        resource: { type: 'opentelemetry.proto.resource.v1.Resource', id: 1 },
                        scope_logs: { rule: 'repeated', type: 'ScopeLogs', id: 2 },
                        schema_url: { type: 'string', id: 3 },
                      },
                      reserved: [[1000, 1000]],
                    },
                    ScopeLogs: {
                      fields: {
                        scope: { type: 'opentelemetry.proto.common.v1.InstrumentationScope', id: 1 },
                        log_records: { rule: 'repeated', type: 'LogRecord', id: 2 },
                        schema_url: { type: 'string', id: 3 },
                      },
                    },
                    SeverityNumber: { values: Object.fromEntries(severityNumbers) },
                    LogRecord: {
                      fields: {
                        time_unix_nano: { type: 'fixed64', id: 1 },
                        observed_time_unix_nano: { type: 'fixed64', id: 11 },
                        severity_number: { type: 'SeverityNumber', id: 2 },
                        severity_text: { type: 'string', id: 3 },
                        body: { type: 'opentelemetry.proto.common.v1.AnyValue', id: 5 },
                        attributes: { rule: 'repeated', type: 'opentelemetry.proto.common.v1.KeyValue', id: 6 },
                        dropped_attributes_count: { type: 'uint32', id: 7 },
                        flags: { type: 'fixed32', id: 8 },
                        trace_id: { type: 'bytes', id: 9 },
                        span_id: { type: 'bytes', id: 10 },
                        event_name: { type: 'string', id: 12 },
                      },
                      reserved: [[4, 4]],
                    },
                  },
                },
              },
            },
            collector: {
              nested: {
                logs: {
                  nested: {
                    v1: {
                      nested: {
                        ExportLogsServiceRequest: { fields: { resource_logs: { rule: 'repeated', type: 'opentelemetry.proto.logs.v1.ResourceLogs', id: 1 } } },
                        ExportLogsServiceResponse: { fields: { partial_success: { type: 'ExportLogsPartialSuccess', id: 1 } } },
                        ExportLogsPartialSuccess: {
                          fields: {
                            rejected_log_records: { type: 'int64', id: 1 },
                            error_message: { type: 'string', id: 2 },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);

/** opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest. */
export const ExportLogsServiceRequest = root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');
/** opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse. */
export const ExportLogsServiceResponse = root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse');
