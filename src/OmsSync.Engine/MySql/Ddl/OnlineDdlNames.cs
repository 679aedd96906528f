using System.Text.RegularExpressions;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.MySql.Ddl;

/// <summary>The role of a table an online schema change tool works with.</summary>
internal enum ShadowRole
{
    /// <summary>The copy that gets the new shape and is swapped in (gh-ost _t_gho, pt-osc _t_new).</summary>
    Ghost,
    /// <summary>The original table once swapped out (gh-ost _t_del, pt-osc _t_old).</summary>
    Old,
    /// <summary>gh-ost's changelog table _t_ghc.</summary>
    Changelog,
}

/// <summary>Recognises the shadow tables of gh-ost and pt-online-schema-change by their names.</summary>
internal static partial class OnlineDdlNames
{
    /// <summary>The original table and role of a shadow table's name, or null when the name is not one of the tool's.</summary>
    public static (string Original, ShadowRole Role)? Parse(OnlineDdlTool tool, string table)
    {
        var match = tool switch
        {
            OnlineDdlTool.GhOst => GhOst().Match(table),
            OnlineDdlTool.PtOsc => PtOsc().Match(table),
            _ => Match.Empty,
        };
        if (!match.Success) return null;
        var role = match.Groups["role"].Value switch
        {
            "gho" or "new" => ShadowRole.Ghost,
            "ghc" => ShadowRole.Changelog,
            _ => ShadowRole.Old,
        };
        return (match.Groups["table"].Value, role);
    }

    // gh-ost: _t_gho, _t_ghc, _t_del (or _t_20240101120000_del with --timestamp-old-table).
    [GeneratedRegex("^_(?<table>.+?)(_[0-9]{14})?_(?<role>gho|ghc|del)$", RegexOptions.CultureInvariant)]
    private static partial Regex GhOst();

    // pt-osc: _t_new and _t_old, with more leading underscores when those names are taken.
    [GeneratedRegex("^_+(?<table>.+)_(?<role>new|old)$", RegexOptions.CultureInvariant)]
    private static partial Regex PtOsc();
}
