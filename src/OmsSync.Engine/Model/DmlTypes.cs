namespace OmsSync.Engine.Model;

/// <summary>
/// The kinds of row change a task direction applies (OMS "DML types to synchronize"); a change of a kind left out is
/// dropped by that direction, never turned into another kind.
/// </summary>
[Flags]
public enum DmlTypes
{
    None = 0,
    Insert = 1,
    Update = 2,
    Delete = 4,
    All = Insert | Update | Delete,
}
