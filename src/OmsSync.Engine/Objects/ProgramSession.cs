namespace OmsSync.Engine.Objects;

/// <summary>
/// Who a stored program runs as and the session it was created in, which the server keeps with it and which decide how
/// its body is parsed: SQL mode, client character set and collation, and an event's time zone.
/// </summary>
public sealed record ProgramSession(string Definer, string SqlMode, string? CharacterSetClient, string? CollationConnection, string? TimeZone = null)
{
    /// <summary>The definer as user and host ("app@%" is ("app", "%"); a role has no host).</summary>
    public (string User, string? Host) DefinerParts
    {
        get
        {
            var at = Definer.LastIndexOf('@');
            return at < 0 ? (Definer, null) : (Definer[..at], Definer[(at + 1)..]);
        }
    }
}
