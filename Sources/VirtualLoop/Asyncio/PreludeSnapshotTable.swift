// Written by scripts/regen-preludes (PreludeSnapshotTests); do not edit.

extension PreludeSnapshots {
    /// The embedded snapshots, by module (`PackageResources` names each file of `Snapshots/`).
    static let embedded: [String: [UInt8]] = [
        "asyncio": PackageResources.asyncio_vlc,
        "concurrent.futures": PackageResources.concurrent_futures_vlc,
        "functools": PackageResources.functools_vlc,
        "__future__": PackageResources.__future___vlc,
        "abc": PackageResources.abc_vlc,
        "bisect": PackageResources.bisect_vlc,
        "collections": PackageResources.collections_vlc,
        "collections.abc": PackageResources.collections_abc_vlc,
        "contextlib": PackageResources.contextlib_vlc,
        "dataclasses": PackageResources.dataclasses_vlc,
        "enum": PackageResources.enum_vlc,
        "fnmatch": PackageResources.fnmatch_vlc,
        "hashlib": PackageResources.hashlib_vlc,
        "heapq": PackageResources.heapq_vlc,
        "hmac": PackageResources.hmac_vlc,
        "itertools": PackageResources.itertools_vlc,
        "json": PackageResources.json_vlc,
        "json.decoder": PackageResources.json_decoder_vlc,
        "json.encoder": PackageResources.json_encoder_vlc,
        "operator": PackageResources.operator_vlc,
        "string": PackageResources.string_vlc,
        "textwrap": PackageResources.textwrap_vlc,
        "typing": PackageResources.typing_vlc,
        "urllib": PackageResources.urllib_vlc,
        "urllib.parse": PackageResources.urllib_parse_vlc,
    ]
}
