namespace OmsSync.Engine.Tests.Conflicts;

/// <summary>How the simulated applications set the NewerWins timestamp.</summary>
public enum StampMode
{
    /// <summary>Every write stamps the row with a clock that moves forward on every write anywhere (NOW(6) on synchronized clocks).</summary>
    Strict,
    /// <summary>Whole seconds: writes close in time share a stamp.</summary>
    Coarse,
    /// <summary>A third of the updates leave the stamp as it was.</summary>
    Unset,
    /// <summary>A fifth of the writes stamp NULL.</summary>
    Nulls,
}
