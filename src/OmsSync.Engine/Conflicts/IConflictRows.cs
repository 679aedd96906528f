namespace OmsSync.Engine.Conflicts;

/// <summary>
/// The rows of one table on a target, inside the open target transaction: what <see cref="ConflictResolver"/> reads and
/// writes. Each kind of target (and the convergence simulator) gives its own.
/// </summary>
public interface IConflictRows
{
    /// <summary>The table's name on the target, for the conflict log.</summary>
    string Table { get; }

    /// <summary>Whether the table has a primary or unique key besides the one that identifies rows.</summary>
    bool HasOtherUniqueKeys { get; }

    /// <summary>The key of an image as the conflict log shows it (a JSON object).</summary>
    string KeyJson(IReadOnlyList<object?> image);

    /// <summary>An image as the conflict log shows it (a JSON object).</summary>
    string RowJson(IReadOnlyList<object?> image);

    /// <summary>The NewerWins timestamp an image carries (NULL when the rule has none).</summary>
    VersionStamp StampOf(IReadOnlyList<object?> image);

    /// <summary>The row at the key of <paramref name="keyImage"/>, locked and compared with the change's images; null when none is there.</summary>
    Task<HeldRow?> ReadAsync(IReadOnlyList<object?> keyImage, IReadOnlyList<object?>? before, IReadOnlyList<object?>? after, CancellationToken cancellationToken);

    /// <summary>The rows at other keys that hold one of the image's unique key values, locked.</summary>
    Task<IReadOnlyList<HeldRow>> HoldersAsync(IReadOnlyList<object?> image, CancellationToken cancellationToken);

    /// <summary>Inserts the image; false when a key of it is taken after all (another writer got there first).</summary>
    Task<bool> TryInsertAsync(IReadOnlyList<object?> after, CancellationToken cancellationToken);

    /// <summary>Makes the row found the image (its key may change); false when the new values collide with another row's key.</summary>
    Task<bool> TryUpdateAsync(HeldRow row, IReadOnlyList<object?> after, CancellationToken cancellationToken);

    Task DeleteAsync(HeldRow row, CancellationToken cancellationToken);
}
