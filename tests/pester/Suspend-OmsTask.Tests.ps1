BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Suspend-OmsTask' {
    Test-CmdletContract Suspend-OmsTask -Parameters Name, Direction, PassThru -Mandatory ':Name' -ByValue Name -ByPropertyName Name, Direction -ConfirmImpact Medium

    Context 'suspending' -Tag Integration {
        It 'suspends a running worker at a safe point, keeps it with -WhatIf' {
            $db = New-TestDatabaseName susp
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.t (id INT PRIMARY KEY)"
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental'
            try {
                $null = Start-OmsForward $t.Task -Wait -Confirm:$false
                Suspend-OmsTask $t.Task -WhatIf
                "$((Get-OmsTask $t.Task).Status)" | Should -Be 'Running'
                $suspended = Get-OmsTask $t.Task | Suspend-OmsTask -PassThru -Confirm:$false
                "$($suspended.Status)" | Should -Be 'Suspended'
                $suspended.Name | Should -Be $t.Task
            } finally { Remove-TestTask $t; Remove-TestDatabase $db }
        }
        It 'warns that a never-started task has no worker, and leaves its status' {
            $t = New-TestTask
            $task = Suspend-OmsTask $t.Task -PassThru -Confirm:$false -WarningVariable w -WarningAction SilentlyContinue
            "$($task.Status)" | Should -Be 'Created'
            $w[0].Message | Should -BeLike '*no running worker*'
            Remove-TestTask $t
        }
    }
}
