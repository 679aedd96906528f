namespace OmsSync.Engine.Conflicts;

/// <summary>What a target holds at the key a change names, as far as the decision needs it.</summary>
/// <param name="Present">A row is there.</param>
/// <param name="EqualsBefore">It equals the change's before-image in every moving column.</param>
/// <param name="EqualsAfter">It equals the change's after-image in every moving column.</param>
/// <param name="Stamp">Its NewerWins timestamp.</param>
public readonly record struct Held(bool Present, bool EqualsBefore, bool EqualsAfter, VersionStamp Stamp)
{
    public static Held Nothing => default;
}
