using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Diagnostics.Runtime;

namespace Switchyard.Bench.Profiling;

/// <summary>
/// Which types fill a .NET process's managed heap, so a memory target that is missed says where the
/// memory goes: ClrMD attaches to the process (ptrace, every thread suspended until it detaches), walks
/// every object of the GC heap and sums count and size by type. Objects that died since the last
/// collection count too, so it is meant to be taken right after a full one (<see cref="ManagedHeap"/>).
/// </summary>
public sealed partial record HeapHistogram(IReadOnlyList<HeapHistogram.TypeTotal> Types, long Objects, long Bytes, TimeSpan Elapsed)
{
    /// <summary>The objects of one type: how many, and their bytes (shallow size, as the GC allocated them).</summary>
    public sealed record TypeTotal(string Type, long Count, long Bytes);

    /// <summary>Longest type name reported; generic names past this are cut.</summary>
    private const int MaxNameLength = 110;

    /// <summary>
    /// Walks the heap of <paramref name="pid"/> on a thread of its own: ptrace binds the attach, the reads
    /// and the detach to the thread that attached. The walk is abandoned (TimeoutException) after
    /// <paramref name="budget"/>, so the process is never held suspended for longer.
    /// </summary>
    public static Task<HeapHistogram> TakeAsync(int pid, TimeSpan budget) =>
        Task.Factory.StartNew(() => Take(pid, budget), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static HeapHistogram Take(int pid, TimeSpan budget)
    {
        var watch = Stopwatch.StartNew();
        var byMethodTable = new Dictionary<ulong, (ClrType? Type, long Count, long Bytes)>();
        var byName = new Dictionary<string, (long Count, long Bytes)>();
        long objects = 0, bytes = 0;
        // Disposing the attached target detaches, which resumes every thread of the process; the walk
        // itself reads through FileBackedPagesReader, so that it leaves the process's RSS as it was.
        using (var attached = DataTarget.AttachToProcess(pid, suspend: true))
        using (var reader = new FileBackedPagesReader(attached.DataReader, pid))
        {
            using var target = new DataTarget(reader, new DataTargetOptions());
            var clr = target.ClrVersions.FirstOrDefault() ?? throw new InvalidOperationException($"No .NET runtime found in process {pid}.");
            // ClrMD reads no runtime version from a live Linux process (0.0), so it neither finds the DAC nor
            // accepts one by version; the one beside the loaded libcoreclr.so is the one that matches it.
            var dac = Path.Combine(Path.GetDirectoryName(clr.ModuleInfo.FileName) ?? "", "libmscordaccore.so");
            using var runtime = File.Exists(dac) ? clr.CreateRuntime(dac, ignoreMismatch: true) : clr.CreateRuntime();
            var heap = runtime.Heap;
            if (!heap.CanWalkHeap)
            {
                throw new InvalidOperationException("The GC heap is not walkable at this instant (a collection is in progress).");
            }

            var lengths = new ArrayLengths(reader);
            foreach (var obj in heap.EnumerateObjects())
            {
                if (obj.IsFree)
                {
                    continue;
                }

                var size = obj.Type is { } type ? SizeOf(obj, type, heap, lengths) : (long)IntPtr.Size * 3;
                var methodTable = obj.Type?.MethodTable ?? 0;
                byMethodTable[methodTable] = byMethodTable.TryGetValue(methodTable, out var seen)
                    ? (seen.Type, seen.Count + 1, seen.Bytes + size)
                    : (obj.Type, 1, size);
                objects++;
                bytes += size;
                if ((objects & 0xFFFF) == 0 && watch.Elapsed > budget)
                {
                    throw new TimeoutException($"the heap walk was abandoned after {watch.Elapsed.TotalSeconds:0.0} s ({objects} objects, {bytes / 1048576.0:0} MB walked), to release the process");
                }
            }

            // Names are read while still attached; one type loaded in two contexts is counted once.
            foreach (var (type, count, size) in byMethodTable.Values)
            {
                var name = Shorten(type?.Name ?? "(unknown type)");
                byName[name] = byName.TryGetValue(name, out var total) ? (total.Count + count, total.Bytes + size) : (count, size);
            }
        }

        var types = byName.Select(t => new TypeTotal(t.Key, t.Value.Count, t.Value.Bytes)).OrderByDescending(t => t.Bytes).ToList();
        return new HeapHistogram(types, objects, bytes, watch.Elapsed);
    }

    /// <summary>
    /// <see cref="ClrObject.Size"/>, computed the same way, but with the length of an array or string read
    /// through <see cref="ArrayLengths"/>: on a live process ClrMD reads it with a system call of its own,
    /// which made a walk of 2.5 million objects take 5.5 s instead of under one.
    /// </summary>
    private static long SizeOf(ClrObject obj, ClrType type, ClrHeap heap, ArrayLengths lengths)
    {
        if (type.ComponentSize == 0)
        {
            return Math.Max(type.StaticSize, IntPtr.Size * 3);
        }

        if (lengths.Read(obj.Address + (ulong)IntPtr.Size) is not { } count)
        {
            return (long)obj.Size;
        }

        // A string's length leaves out its terminating null character.
        var components = type == heap.StringType ? count + 1L : count;
        return Math.Max(components * type.ComponentSize + type.StaticSize, IntPtr.Size * 3);
    }

    /// <summary>Reads the target's memory 64 KB at a time: the heap walk goes up through addresses, so most reads hit the window.</summary>
    private sealed class ArrayLengths(IDataReader reader)
    {
        private readonly byte[] window = new byte[64 * 1024];
        private ulong start;
        private int length;

        public uint? Read(ulong address)
        {
            if (address < start || address + sizeof(uint) > start + (ulong)length)
            {
                start = address;
                length = Math.Max(0, reader.Read(address, window));
                if (length < sizeof(uint))
                {
                    return null;
                }
            }

            return BinaryPrimitives.ReadUInt32LittleEndian(window.AsSpan((int)(address - start)));
        }
    }

    /// <summary>
    /// Keeps the namespace of the outer type but drops those inside generic arguments
    /// (<c>Dictionary&lt;System.String, System.Object&gt;</c> becomes <c>Dictionary&lt;String, Object&gt;</c>), then caps the length.
    /// </summary>
    public static string Shorten(string name)
    {
        var open = name.IndexOf('<', StringComparison.Ordinal);
        if (open > 0)
        {
            name = name[..open] + NamespaceInArguments().Replace(name[open..], "");
        }

        return name.Length > MaxNameLength ? name[..(MaxNameLength - 3)] + "..." : name;
    }

    /// <summary>A run of "identifier." that starts a type argument (after '&lt;', ',', '[' or a space).</summary>
    [GeneratedRegex(@"(?<=[<,\[\s])(?:[A-Za-z_][\w`]*\.)+")]
    private static partial Regex NamespaceInArguments();
}
