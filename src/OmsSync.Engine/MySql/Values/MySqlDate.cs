namespace OmsSync.Engine.MySql.Values;

/// <summary>A DATE as stored, zero parts allowed ('0000-00-00', '2024-00-00').</summary>
public readonly record struct MySqlDate(int Year, int Month, int Day)
{
    public bool IsZero => Year == 0 && Month == 0 && Day == 0;

    /// <summary>True when the value is a real calendar date (no zero month or day).</summary>
    public bool IsValidDate => Year is >= 1 and <= 9999 && Month is >= 1 and <= 12 && Day >= 1 && Day <= DateTime.DaysInMonth(Year, Month);

    public DateOnly ToDateOnly() => IsValidDate ? new DateOnly(Year, Month, Day) : throw new InvalidOperationException($"'{this}' is not a calendar date.");

    public override string ToString() => $"{Year:D4}-{Month:D2}-{Day:D2}";
}
