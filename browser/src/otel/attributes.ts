// Attribute and metric names of the OpenTelemetry tier: the contract's, so the tracker, the ingest
// service and the Collector configuration cannot drift apart. Bundled into the tier by esbuild.
export { ATTR, METRIC } from '@footfall/contract';
