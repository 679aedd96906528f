namespace OmsSync.PowerShell.Internal;

/// <summary>A DateTime as PowerShell binds it (Get-Date is local, unspecified kind) as the moment it names.</summary>
internal static class Timestamps
{
    public static DateTimeOffset? From(DateTime? value) =>
        value is { } v ? new DateTimeOffset(v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Local) : v) : null;
}
