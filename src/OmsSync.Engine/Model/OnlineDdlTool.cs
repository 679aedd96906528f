namespace OmsSync.Engine.Model;

/// <summary>
/// An online schema change tool whose work a task recognises: its shadow tables are not synchronized,
/// and the final table swap is applied to the target as the ALTER it stands for.
/// </summary>
public enum OnlineDdlTool
{
    None,
    /// <summary>gh-ost: ghost table _t_gho, changelog _t_ghc, old table _t_del.</summary>
    GhOst,
    /// <summary>pt-online-schema-change: new table _t_new, old table _t_old.</summary>
    PtOsc,
}
