BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
    $source = New-TestDataSource MariaDbA src
    $target = New-TestDataSource MariaDbB dst
    $base = @{ Source = $source; Target = $target; Include = 'shop.*'; MigrationType = 'Schema', 'Full' }
}
AfterAll { Remove-TestHome $stateHome }

Describe 'New-OmsTask' {
    Test-CmdletContract New-OmsTask -Parameters Name, Source, Target, Include, Exclude, Rename, RowFilter, Column, MigrationType, Topology,
        NonEmptyTarget, IndexMigration, RowsPerSecond, BytesPerSecond, ReadConcurrency, WriteConcurrency, AutoRestart, Label, StartTimestamp,
        ConflictPolicy, TimestampColumn, IncrementalDdl, OnlineDdlTool `
        -Mandatory ':Name', ':Source', ':Target', ':Include', ':MigrationType' -ByPropertyName Name, Source, Target, Include, Exclude, Label -ConfirmImpact Low

    Context 'defining' -Tag Integration {
        It 'stores every option and returns the task' {
            $name = New-TestName task
            $task = New-OmsTask $name @base -Exclude 'shop.tmp_*' -Rename @{ shop = 'shop_v2' } -RowFilter @{ 'shop.orders' = "placed_at >= '2024-01-01'" } `
                -Column @{ 'shop.a' = 'id', 'total'; 'shop.b' = 'id, name' } -IndexMigration AfterFull -RowsPerSecond 500 -Label prod, ' prod ', nightly
            $task.Name | Should -Be $name
            "$($task.Status)" | Should -Be 'Created'
            $task.Include | Should -Be 'shop.*'
            $task.Exclude | Should -Be 'shop.tmp_*'
            $task.Labels | Should -Be 'prod', 'nightly'
            "$($task.MigrationType)" | Should -Be 'Schema, Full'
            (Get-OmsTask $name).Source | Should -Be $source
        }
        It 'creates nothing with -WhatIf' {
            $name = New-TestName task
            New-OmsTask $name @base -WhatIf | Should -BeNullOrEmpty
            Get-OmsTask $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        It 'stores the DDL options' {
            $task = New-OmsTask (New-TestName ddl) -Source $source -Target $target -Include 'a.*' -MigrationType Full, Incremental -IncrementalDdl -OnlineDdlTool PtOsc
            $task.IncrementalDdl | Should -BeTrue
            "$($task.OnlineDdlTool)" | Should -Be 'PtOsc'
        }
    }

    Context 'refusing bad options before storing anything' -Tag Integration {
        It 'refuses <Options> with <ErrorId>' -ForEach @(
            @{ Options = @{ Name = 'has space' }; ErrorId = 'InvalidTaskName' }
            @{ Options = @{ Name = 'x' * 65 }; ErrorId = 'InvalidTaskName' }
            @{ Options = @{ Source = 'no-such-source' }; ErrorId = 'DataSourceNotFound' }
            @{ Options = @{ Include = 'shop' }; ErrorId = 'InvalidIncludePattern' }
            @{ Options = @{ Include = @() }; ErrorId = 'InvalidIncludePattern' }
            @{ Options = @{ Rename = @{ 'a.b.c' = 'x' } }; ErrorId = 'InvalidRenameKey' }
            @{ Options = @{ Rename = @{ 'shop' = 'a.b' } }; ErrorId = 'InvalidRenameValue' }
            @{ Options = @{ RowFilter = @{ 'shop' = 'id > 1' } }; ErrorId = 'InvalidRowFilterKey' }
            @{ Options = @{ RowFilter = @{ 'shop.t' = ' ' } }; ErrorId = 'InvalidRowFilterValue' }
            @{ Options = @{ Column = @{ 'shop' = 'id' } }; ErrorId = 'InvalidColumnKey' }
            @{ Options = @{ Column = @{ 'shop.t' = @() } }; ErrorId = 'InvalidColumnValue' }
            @{ Options = @{ Column = @{} }; ErrorId = 'InvalidColumnValue' }
            @{ Options = @{ ReadConcurrency = 0 }; ErrorId = 'InvalidReadConcurrency' }
            @{ Options = @{ WriteConcurrency = -1 }; ErrorId = 'InvalidWriteConcurrency' }
            @{ Options = @{ RowsPerSecond = -5 }; ErrorId = 'InvalidRowsPerSecond' }
            @{ Options = @{ BytesPerSecond = -5 }; ErrorId = 'InvalidBytesPerSecond' }
            @{ Options = @{ Topology = 'Bidirectional' }; ErrorId = 'InvalidMigrationType' }
            @{ Options = @{ StartTimestamp = [datetime]::Now }; ErrorId = 'InvalidStartTimestamp' }
            @{ Options = @{ ConflictPolicy = 'NewerWins' }; ErrorId = 'InvalidConflictPolicy' }
            @{ Options = @{ IncrementalDdl = $true }; ErrorId = 'InvalidIncrementalDdl' }
            @{ Options = @{ OnlineDdlTool = 'GhOst' }; ErrorId = 'InvalidOnlineDdlTool' }
        ) {
            $parameters = @{ Name = (New-TestName bad) } + $base
            foreach ($key in $Options.Keys) { $parameters[$key] = $Options[$key] }
            New-OmsTask @parameters -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $ids = $e | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }
            $ids | Should -Contain $ErrorId
            $record = $e | Where-Object { $_.FullyQualifiedErrorId -like "$ErrorId,*" } | Select-Object -First 1
            $record.Exception.Message | Should -Not -BeNullOrEmpty
            Get-OmsTask $parameters.Name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        It 'reports every problem at once, each with its own id and the task as target' {
            $name = New-TestName multi
            New-OmsTask $name -Source $source -Target 'no-such-target' -Include 'shop' -MigrationType Full -ReadConcurrency 0 -ErrorVariable e -ErrorAction SilentlyContinue
            $ids = $e | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }
            $ids | Should -Be 'DataSourceNotFound', 'InvalidIncludePattern', 'InvalidReadConcurrency'
            ($e | Where-Object { $_.FullyQualifiedErrorId -like 'DataSourceNotFound,*' }).TargetObject | Should -Be 'no-such-target'
            ($e | Where-Object { $_.FullyQualifiedErrorId -like 'InvalidReadConcurrency,*' }).TargetObject | Should -Be $name
        }
        It 'refuses a second task of the same name (TaskExists)' {
            $name = New-TestName dup
            $null = New-OmsTask $name @base
            New-OmsTask $name @base -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskExists,*'
            "$($e[0].CategoryInfo.Category)" | Should -Be 'ResourceExists'
        }
    }
}
