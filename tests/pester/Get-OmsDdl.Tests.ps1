BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Get-OmsDdl' {
    Test-CmdletContract Get-OmsDdl -Parameters Name, Direction, Outcome -ByPropertyName Name

    Context 'the DDL log of a task with DDL synchronization' -Tag Integration {
        BeforeAll {
            $db = New-TestDatabaseName getddl
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.t (id INT PRIMARY KEY, v INT)"
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental' -Options @{ IncrementalDdl = $true }
            $null = Start-OmsForward $t.Task -Wait -Confirm:$false
            Wait-TestTaskPhase $t.Task
            Invoke-TestSql MariaDbA 'ALTER TABLE t ADD COLUMN c INT' -Database $db
            Wait-TestCondition -What 'the DDL to be applied' -Condition { @(Get-OmsDdl $t.Task -Outcome Applied).Count -ge 1 }
        }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $db }

        It 'lists the applied DDL with the statement run on the target' {
            $ddl = Get-OmsTask $t.Task | Get-OmsDdl
            $ddl | Should -HaveCount 1
            "$($ddl.Outcome)" | Should -Be 'Applied'
            $ddl.Statement | Should -BeLike '*ADD COLUMN c*'
            $ddl.TargetSql | Should -BeLike "*$($t.TargetDatabase)*"
            Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = '$($t.TargetDatabase)' AND column_name = 'c'" -Scalar | Should -Be 1
        }
        It 'filters by outcome and direction' {
            Get-OmsDdl $t.Task -Outcome Paused, Skipped | Should -BeNullOrEmpty
            Get-OmsDdl $t.Task -Direction Reverse | Should -BeNullOrEmpty
        }
        It 'reports an unknown task (TaskNotFound)' {
            Get-OmsDdl no-such-task -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
        }
    }
}
