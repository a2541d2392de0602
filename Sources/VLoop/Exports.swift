// The plain values of a run (events, records, statuses, limits, property
// results) are part of VLoop's API: `import VLoop` brings them along.
@_exported import RunModel
